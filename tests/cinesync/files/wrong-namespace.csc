<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/5.0" version="3" playerFeatures="extended" userData="something">
	<notes>Not the v3 namespace.</notes>
</session>
