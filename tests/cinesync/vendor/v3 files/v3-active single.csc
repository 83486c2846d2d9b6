<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="standard" userData="sessionUserData blah bloo blee">
    <media active="true" currentFrame="23">
        <name>024b_fn_079_v01_1-98.mov</name>
		<locators>
			<path>/Volumes/Scratch/test_files/movies/024b_fn_079_v01_1-98.mov</path>
		</locators>
		<playRange>
			<inFrame value="40" />
			<outFrame value="50" />
			<playOnlyRange value="true" />
		</playRange>
    </media>
</session>
