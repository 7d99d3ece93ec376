"""The HTTP faces: the JSON API and the server-rendered pages, composed into one app."""
