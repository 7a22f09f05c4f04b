FROM a
ADD ["https://example.com/x.tgz", "/opt/"]
