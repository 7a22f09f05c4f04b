FROM a
CMD ["a"
