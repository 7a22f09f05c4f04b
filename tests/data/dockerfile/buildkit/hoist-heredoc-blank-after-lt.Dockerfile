FROM a
RUN cat << EOF > /etc/motd
hello
EOF
RUN cat <<  EOF2
x
EOF2
RUN cat 3<< EOF
y
EOF
COPY << EOF /x
z
EOF
RUN cat << 'EOF'
$HOME
EOF
RUN cat <<	EOF
t
EOF
