FROM a
ENV A=x\ y B=c
