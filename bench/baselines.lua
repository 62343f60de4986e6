-- The same body as an answer save, without session or CSRF: the baselines have neither.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "choice=B"
