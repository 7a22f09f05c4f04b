FROM a
RUN cat <<EOF > /etc/app.conf
key=value
EOF
