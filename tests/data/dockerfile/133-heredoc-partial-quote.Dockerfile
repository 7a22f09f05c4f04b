FROM a
RUN <<E"O"F
body
EOF
