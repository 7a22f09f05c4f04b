FROM a
CMD [null]
