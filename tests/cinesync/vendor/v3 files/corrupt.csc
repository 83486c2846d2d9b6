<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/5.0" version="3" clientFeatures="awesome" userData="sessionUserData">
	<notes>These are my session notes.</notes>
</session>
