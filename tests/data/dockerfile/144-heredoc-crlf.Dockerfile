FROM a
RUN <<EOF
line
EOF
RUN next
