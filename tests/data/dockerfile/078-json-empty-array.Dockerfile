FROM a
CMD []
