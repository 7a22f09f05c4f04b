FROM a
CMD ["a\u0000b", "c"]
