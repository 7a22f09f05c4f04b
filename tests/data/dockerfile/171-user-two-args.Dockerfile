FROM a
USER a b
