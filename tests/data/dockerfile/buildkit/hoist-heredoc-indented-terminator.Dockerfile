FROM a
RUN cat << EOF
hello
  EOF
