FROM a
ADD <<EOF /hello.txt
hello
EOF
