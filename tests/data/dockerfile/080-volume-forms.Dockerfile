FROM a
VOLUME ["/data", "/logs"]
VOLUME /a /b
