# escape=`
FROM a
ENV A=x` y B=`$HOME
