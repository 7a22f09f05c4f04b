FROM a
RUN 3<<EOF cat /proc/self/fd/3
data
EOF
