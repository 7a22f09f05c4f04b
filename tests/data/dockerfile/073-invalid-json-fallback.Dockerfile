FROM a
CMD [echo, hi]
