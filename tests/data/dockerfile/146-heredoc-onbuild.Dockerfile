FROM a
ONBUILD RUN <<EOF
echo on build
EOF
