FROM a
RUN <<"EOF"
echo $HOME
EOF
RUN <<'X'
echo $PATH
X
