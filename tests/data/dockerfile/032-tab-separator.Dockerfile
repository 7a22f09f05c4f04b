FROM a
RUN	echo tab
