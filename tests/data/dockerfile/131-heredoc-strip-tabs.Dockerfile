FROM a
RUN <<-EOT
	echo tabbed
		EOT
