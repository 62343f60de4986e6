"""Use cases that span layers: each reads files or forms through `app.bank`, decides with `app.domain`, and
stores through `app.db`, so that neither `db` nor `web` needs to know the others' business."""
