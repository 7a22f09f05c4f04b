FROM a
RUN <<EOF

# not dropped

EOF
