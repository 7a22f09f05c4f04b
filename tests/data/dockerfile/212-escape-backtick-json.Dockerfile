# escape=`
FROM a
CMD ["c:\\dir", "x`"]
