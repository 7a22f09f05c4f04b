FROM a
CMD ["a", 1]
