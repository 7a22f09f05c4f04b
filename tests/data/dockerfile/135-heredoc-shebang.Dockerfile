FROM a
RUN <<EOF
#!/usr/bin/env python3
# a comment inside
print('hi')
EOF
