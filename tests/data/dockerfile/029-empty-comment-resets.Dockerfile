# a
#
# b
FROM a
