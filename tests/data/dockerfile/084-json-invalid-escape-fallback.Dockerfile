FROM a
CMD ["a\x"]
