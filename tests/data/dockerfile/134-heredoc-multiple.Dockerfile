FROM a
COPY <<one.txt <<two.txt /dst/
first
one.txt
second
two.txt
