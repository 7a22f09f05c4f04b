FROM a
RUN <<EOF
echo never closed
