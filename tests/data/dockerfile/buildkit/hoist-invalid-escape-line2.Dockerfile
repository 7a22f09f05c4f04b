# syntax=x
# escape=a
FROM a
