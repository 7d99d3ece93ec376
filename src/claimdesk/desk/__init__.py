"""The desk: the use cases people work through the web pages, the JSON API and the terminal,
each behind the actor's capability check and its audit record."""
