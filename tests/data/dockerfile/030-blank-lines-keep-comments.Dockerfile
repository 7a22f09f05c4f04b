# one

# two

FROM a
# after
