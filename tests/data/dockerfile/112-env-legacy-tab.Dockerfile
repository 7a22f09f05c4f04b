FROM a
ENV KEY	value	with tab
