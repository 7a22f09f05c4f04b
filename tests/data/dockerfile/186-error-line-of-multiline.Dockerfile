FROM a
COPY \
  --frm=x \
  a b
