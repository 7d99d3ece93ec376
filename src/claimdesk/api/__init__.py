"""The JSON API and the desk use cases the API and the web pages share."""
