FROM a
ENTRYPOINT ['a', 'b']
