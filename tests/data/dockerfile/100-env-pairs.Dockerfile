FROM a
ENV A=1 B=two
