"""The billing desk in the browser: server-rendered pages over the desk."""
