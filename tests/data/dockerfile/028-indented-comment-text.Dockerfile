  # hi there
FROM a
