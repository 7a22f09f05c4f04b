FROM a
run <<eof
x
eof
