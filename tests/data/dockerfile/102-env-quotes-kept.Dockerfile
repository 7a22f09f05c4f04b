FROM a
ENV A="x y" B='z' C="q"uo
