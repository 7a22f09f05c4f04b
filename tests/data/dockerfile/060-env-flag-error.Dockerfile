FROM a
ENV --x=1 A=b
