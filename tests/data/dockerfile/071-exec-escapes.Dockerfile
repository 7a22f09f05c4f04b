FROM a
CMD ["echo", "say \"hi\"", "C:\\path", "a\/b", "t\tn\n"]
