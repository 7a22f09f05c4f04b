FROM a
ENV GREETING hello   big world
