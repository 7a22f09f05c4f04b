FROM a
ENV URL="http://x/?a=b" X=y=z
