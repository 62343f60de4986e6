"""HTTP shell: parse the request, call the domain and persistence, render a template or redirect."""
