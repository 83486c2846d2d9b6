<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="deluxe">
	<notes>Features syncd does not know.</notes>
</session>
