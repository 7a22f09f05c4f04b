FROM a
ENV A="say \"hi\""
