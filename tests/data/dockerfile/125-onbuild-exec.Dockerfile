FROM a
ONBUILD CMD ["a", "b"]
