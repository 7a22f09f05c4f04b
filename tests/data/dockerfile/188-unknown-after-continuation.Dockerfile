FROM a

FOO bar \
  baz
